import { expect } from 'vitest';
import { parseMetrics, type Sample } from '../src/metrics/prometheus-text.js';

/** The app's `/metrics`, read as this machine's scraper. */
export async function scrapeMetrics(url: string): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseMetrics(await response.text());
}
