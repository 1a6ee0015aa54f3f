/** Route paths of the simulators' route tables: `/v1/customers/:id`-style patterns. */

/** A compiled path: its regular expression and the names of its `:name` segments, in order. */
export interface PathPattern {
  regex: RegExp;
  names: string[];
}

/** Compiles a pattern; `trailingSlash` also matches the path with a `/` at its end. */
export function compilePath(path: string, options: { trailingSlash?: boolean } = {}): PathPattern {
  const names: string[] = [];
  const pattern = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${pattern}${options.trailingSlash ? '/?' : ''}$`), names };
}
