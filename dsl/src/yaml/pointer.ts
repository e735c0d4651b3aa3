/** The unescaped tokens of a JSON pointer (RFC 6901); `''` is the whole document. */
export function parsePointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  return body.split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Appends tokens to a pointer: `pointerOf('/rules', 3, 'then')` → `/rules/3/then`. */
export function pointerOf(base: string, ...tokens: (string | number)[]): string {
  let out = base;
  for (const token of tokens) out += `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return out;
}
