/**
 * The form an identity value is compared in. A phone number and a wa_id are the same digits (WhatsApp writes
 * `420777123456` for `+420 777 123 456`), so both keep only digits; e-mail is compared in lower case.
 */
export function normalizeIdentity(kind: string, value: string): { kind: string; value: string } {
  const trimmed = value.trim();
  if (kind === 'phone' || kind === 'wa_id') return { kind, value: trimmed.replace(/\D/g, '') };
  if (kind === 'email') return { kind, value: trimmed.toLowerCase() };
  return { kind, value: trimmed };
}

/** Kinds that match each other's values. */
export function equivalentKinds(kind: string): string[] {
  return kind === 'phone' || kind === 'wa_id' ? ['phone', 'wa_id'] : [kind];
}
