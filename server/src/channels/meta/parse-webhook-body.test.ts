import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from './parse-webhook-body.js';

describe('a Meta webhook body', () => {
  it('is parsed as it is when no string carries NUL', () => {
    expect(parseWebhookBody(Buffer.from('{"entry":[{"text":"Dobrý den 👋"}]}'))).toEqual({
      entry: [{ text: 'Dobrý den 👋' }],
    });
  });

  it('has NUL replaced, in any string at any depth, so the message can be stored', () => {
    const body = Buffer.from('{"entry":[{"changes":[{"text":"a\\u0000b","name":"\\u0000"}]}]}');
    expect(parseWebhookBody(body)).toEqual({ entry: [{ changes: [{ text: 'a\uFFFDb', name: '\uFFFD' }] }] });
  });

  it('keeps a customer’s literal backslash-u text, which is not NUL', () => {
    expect(parseWebhookBody(Buffer.from('{"text":"\\\\u0000"}'))).toEqual({ text: '\\u0000' });
  });

  it('is undefined when it is not JSON', () => {
    expect(parseWebhookBody(Buffer.from('{"text":'))).toBeUndefined();
  });
});
