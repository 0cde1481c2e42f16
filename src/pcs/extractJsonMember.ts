// Intel signs TCB info and enclave identity over the exact bytes of the `tcbInfo` /
// `enclaveIdentity` value as it appears in the response body (PCS API v4, "TCB Info" and
// "Enclave Identity": "signature ... calculated over tcbInfo body"). Re-serialising the parsed JSON
// would change whitespace or number forms and break the signature, so we cut the value's text out
// of the body byte for byte.

/**
 * The raw text of the value of `key` in the top-level object of `json`, or undefined if the key is
 * absent or appears more than once (an ambiguous document must not pick one). Throws SyntaxError if
 * `json` is not a JSON object.
 */
export function extractJsonMember(json: string, key: string): string | undefined {
  const top = JSON.parse(json) as unknown;
  if (top === null || typeof top !== 'object' || Array.isArray(top))
    throw new SyntaxError('not a JSON object');
  // The text is valid JSON from here on, so the scanner only needs to find boundaries.
  let i = skipSpace(json, 0);
  i++; // '{'
  let found: string | undefined;
  let count = 0;
  for (;;) {
    i = skipSpace(json, i);
    if (json[i] === '}') break;
    const keyEnd = skipString(json, i);
    const name = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipSpace(json, keyEnd) + 1; // ':'
    const start = skipSpace(json, i);
    const end = skipValue(json, start);
    if (name === key) {
      count++;
      found = json.slice(start, end);
    }
    i = skipSpace(json, end);
    if (json[i] === ',') i++;
  }
  return count === 1 ? found : undefined;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

/** `i` at the opening quote; returns the index after the closing quote. */
function skipString(s: string, i: number): number {
  i++;
  while (s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < s.length) {
      const d = s[i];
      if (d === '"') {
        i = skipString(s, i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  // number, true, false, null: up to the next delimiter
  while (i < s.length && !',}] \t\n\r'.includes(s[i]!)) i++;
  return i;
}
