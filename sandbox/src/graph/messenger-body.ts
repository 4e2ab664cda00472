/**
 * Send API bodies come as JSON or as form fields whose values are JSON strings (`recipient={"id":"…"}`), as in
 * Meta's curl examples; this turns both into one object.
 */
export function normaliseMessengerBody(body: unknown): Record<string, unknown> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    out[key] = typeof value === 'string' && /^\s*[{[]/.test(value) ? parseLoose(value) : value;
  }
  return out;
}

function parseLoose(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    try {
      return JSON.parse(value.replace(/'/g, '"'));
    } catch {
      return value;
    }
  }
}
