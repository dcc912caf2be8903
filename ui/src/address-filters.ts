import { useLocation, useSearch } from 'wouter';

/**
 * A list's filters kept in its page's address, so a filtered view can be shared and reloaded:
 * the filters given, and a setter that moves to the address with one changed. Any filter but the
 * cursor starts the list from the newest again.
 */
export function useAddressFilters<F extends string>(path: string, names: readonly F[]) {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const filters = Object.fromEntries(names.flatMap((f) => (search.get(f) ? [[f, search.get(f)!]] : []))) as Partial<Record<F, string>>;
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'cursor') next.delete('cursor');
    navigate(`${path}${next.size > 0 ? `?${next}` : ''}`);
  };
  return { filters, setFilter };
}
