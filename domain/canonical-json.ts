// One text per JSON value: object keys sorted (by UTF-16 code units, as RFC 8785 does — never by
// locale), recursively; arrays keep their order. JSON objects are unordered, so two requests or two
// stored definitions that differ only in key order are the same value and get the same text.
// (Written here rather than taken from a package: none is a direct dependency of the project.)

/** The canonical JSON text of `value`; what JSON.stringify would drop (undefined, functions) is dropped. */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}

function canonical(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    // Default sort compares UTF-16 code units: the same order on every machine and locale.
    for (const key of Object.keys(value).sort()) {
      const text = canonical((value as Record<string, unknown>)[key]);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) as string | undefined;
}
