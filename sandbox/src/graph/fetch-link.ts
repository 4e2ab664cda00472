export type LinkResult =
  | { ok: true; data: Buffer; mimeType: string }
  | { ok: false; status?: number; statusText?: string; error?: string };

/**
 * Fetches media a send points to by `link`, as Meta does before delivering it (a link Meta cannot fetch ends in a
 * failed status). Plain GET, no credentials, bounded in time and size.
 */
export async function fetchLink(
  url: string,
  timeoutMs = 10_000,
  maxBytes = 100 * 1024 * 1024,
): Promise<LinkResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      return { ok: false, status: response.status, statusText: response.statusText };
    }
    const data = Buffer.from(await response.arrayBuffer());
    if (data.length > maxBytes) return { ok: false, error: 'file too large' };
    const mimeType = (response.headers.get('content-type') ?? 'application/octet-stream')
      .split(';')[0]!
      .trim();
    return { ok: true, data, mimeType };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Meta's wording for a link it could not fetch. */
export function linkFailureDetails(result: Exclude<LinkResult, { ok: true }>): string {
  if (result.status !== undefined) {
    return `Media download error: Downloading media from weblink failed with http code ${result.status}, status message ${result.statusText ?? ''}`.trim();
  }
  return `Media download error: Downloading media from weblink failed: ${result.error ?? 'unknown error'}`;
}
