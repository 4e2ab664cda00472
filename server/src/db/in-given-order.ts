/** Rows answered by `UPDATE … RETURNING` (which has no order), put in the order of the ids the caller gave. */
export function inGivenOrder<R extends { id: string }>(rows: R[], ids: string[]): R[] {
  const position = new Map(ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}
