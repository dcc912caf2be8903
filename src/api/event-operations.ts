/** The event routes as the OpenAPI document shows them (see operations.ts). */
import { rotateSchema } from '../endpoints/signing-routes.js';
import { replaySchema, resendSchema } from '../events/replay-routes.js';
import { eventsQuery, oneEventQuery, publishSchema } from '../events/event-schema.js';
import { eventTypeSchema } from '../events/event-types-routes.js';
import { pageOnlyQuery } from './query.js';
import * as eventViews from './event-view-schemas.js';
import type { Operation } from './operations.js';
import * as views from './view-schemas.js';

const refused = (description: string) => ({ description, schema: views.errorView });
const BAD_INPUT = refused('The input is wrong: the error names the field and what was expected.');
const endpoint = { name: 'The endpoint name.' };

export const eventOperations: Operation[] = [
  {
    id: 'publishEvent', method: 'post', path: '/api/v1/events', tag: 'Events', summary: 'Publish an event to every endpoint subscribed to its type',
    description: 'Answers 202 once the event and one delivery per subscribed endpoint are stored. The same `id` (or `Idempotency-Key` header) within 24 hours returns the first event and delivers nothing again.',
    body: { schema: publishSchema, name: 'EventInput', required: true, example: { type: 'invoice.paid', payload: { invoice: 'in_1', amount: 4200 } } },
    responses: { 202: { description: 'Stored', schema: eventViews.publishedView }, 400: BAD_INPUT, 409: refused('The id was used in the last 24 hours for another type or payload.') },
  },
  {
    id: 'listEvents', method: 'get', path: '/api/v1/events', tag: 'Events', summary: "List a namespace's events, newest first",
    query: eventsQuery, responses: { 200: { description: 'OK', schema: views.pageOf(eventViews.eventView, 'EventPage') }, 400: BAD_INPUT },
  },
  {
    id: 'getEvent', method: 'get', path: '/api/v1/events/{id}', tag: 'Events', summary: 'Get an event with its deliveries and their attempts',
    params: { id: "The event's id." }, query: oneEventQuery, responses: { 200: { description: 'OK', schema: eventViews.eventView }, 400: BAD_INPUT, 404: refused('There is no such event.') },
  },
  {
    id: 'pauseEndpoint', method: 'post', path: '/api/v1/endpoints/{name}/pause', tag: 'Endpoints', summary: 'Pause an endpoint: its deliveries are kept, not attempted and not failed',
    params: endpoint, responses: { 200: { description: 'OK', schema: views.endpointView }, 404: refused('There is no such endpoint.') },
  },
  {
    id: 'resumeEndpoint', method: 'post', path: '/api/v1/endpoints/{name}/resume', tag: 'Endpoints', summary: 'Resume a paused or disabled endpoint: its kept deliveries go out',
    params: endpoint, responses: { 200: { description: 'OK', schema: views.endpointView }, 404: refused('There is no such endpoint.') },
  },
  {
    id: 'rotateEndpointSecret', method: 'post', path: '/api/v1/endpoints/{name}/rotate-secret', tag: 'Endpoints', summary: "Rotate an endpoint's signing secret or Ed25519 key",
    description: 'The new one signs at once; the old one signs beside it until `overlap` ends. A secret or key Hookline makes is shown in this answer only.',
    params: endpoint, body: { schema: rotateSchema, name: 'RotationInput', required: false, example: { overlap: '24h' } },
    responses: { 200: { description: 'Rotated', schema: eventViews.rotatedView }, 400: BAD_INPUT, 404: refused('There is no such endpoint.') },
  },
  {
    id: 'getEndpointPublicKey', method: 'get', path: '/api/v1/endpoints/{name}/public-key', tag: 'Endpoints', summary: 'The public key receivers check v1a (Ed25519) signatures with', auth: 'none',
    params: endpoint, responses: { 200: { description: 'OK', schema: eventViews.publicKeyView }, 404: refused('There is no such endpoint, or it signs with no key.') },
  },
  {
    id: 'replayDeliveries', method: 'post', path: '/api/v1/replays', tag: 'Events', summary: 'Send again every delivery a filter picks; with dry_run, count them',
    description: 'Picks ended deliveries by namespace, endpoint, type and time range (failed ones unless `status` says otherwise); `missing` also sends the endpoint the events of its subscriptions it never had; `skip_received` leaves out deliveries the endpoint answered with success once. A dry run counts exactly what the same replay then sends.',
    body: { schema: replaySchema, name: 'ReplayInput', required: true, example: { endpoint: 'billing', since: '2026-12-01T00:00:00Z', dry_run: true } },
    responses: { 200: { description: 'Counted (dry_run)', schema: eventViews.replayView }, 202: { description: 'Sent', schema: eventViews.replayView }, 400: BAD_INPUT },
  },
  {
    id: 'resendDelivery', method: 'post', path: '/api/v1/events/{id}/resend', tag: 'Events', summary: "Send one event's delivery to one endpoint again",
    params: { id: "The event's id." }, query: oneEventQuery, body: { schema: resendSchema, name: 'ResendInput', required: true, example: { endpoint: 'billing' } },
    responses: { 202: { description: 'Sent again', schema: eventViews.deliveryView }, 400: BAD_INPUT, 404: refused('There is no such delivery.'), 409: refused('The delivery has not ended.') },
  },
  {
    id: 'createEventType', method: 'post', path: '/api/v1/event-types', tag: 'Events', summary: 'Add an event type to the catalogue',
    body: { schema: eventTypeSchema, name: 'EventTypeInput', required: true, example: { name: 'invoice.paid', description: 'An invoice was paid.', schema: { type: 'object', required: ['invoice'], properties: { invoice: { type: 'string' } } } } },
    responses: { 201: { description: 'Created', schema: eventViews.eventTypeView }, 400: BAD_INPUT, 409: refused('The type exists.') },
  },
  {
    id: 'putEventType', method: 'put', path: '/api/v1/event-types/{name}', tag: 'Events', summary: 'Create or replace an event type', params: { name: 'The event type.' },
    body: { schema: eventTypeSchema.partial({ name: true }), name: 'EventTypeInput', required: true },
    responses: { 200: { description: 'Replaced', schema: eventViews.eventTypeView }, 201: { description: 'Created', schema: eventViews.eventTypeView }, 400: BAD_INPUT },
  },
  {
    id: 'listEventTypes', method: 'get', path: '/api/v1/event-types', tag: 'Events', summary: 'List the event type catalogue', query: pageOnlyQuery,
    responses: { 200: { description: 'OK', schema: views.pageOf(eventViews.eventTypeView, 'EventTypePage') }, 400: BAD_INPUT },
  },
  {
    id: 'getEventType', method: 'get', path: '/api/v1/event-types/{name}', tag: 'Events', summary: 'Get an event type', params: { name: 'The event type.' },
    responses: { 200: { description: 'OK', schema: eventViews.eventTypeView }, 404: refused('There is no such event type.') },
  },
  {
    id: 'deleteEventType', method: 'delete', path: '/api/v1/event-types/{name}', tag: 'Events', summary: 'Delete an event type: its payloads are no longer checked', params: { name: 'The event type.' },
    responses: { 204: { description: 'Deleted' }, 404: refused('There is no such event type.') },
  },
];
