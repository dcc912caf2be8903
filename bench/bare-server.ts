/**
 * The baseline of bench:ingest: a bare Fastify route that parses the JSON body and answers 200,
 * with nothing else. Prints its address on its first line of output; stops on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/hook', async () => ({ ok: true }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(address);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
