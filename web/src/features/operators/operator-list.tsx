export interface OperatorRow {
  id: string;
  name: string;
  role: string;
  presence: string;
  awayReason: string | null;
}

/** Operators of the tenant with their live presence. */
export function OperatorList({ operators }: { operators: OperatorRow[] }) {
  return (
    <section className="card" aria-labelledby="operators-title">
      <h2 id="operators-title">Operators</h2>
      <ul className="operators">
        {operators.map((o) => (
          <li key={o.id} data-testid={`operator-${o.id}`}>
            <span className={`dot ${o.presence}`} aria-hidden="true" />
            <span className="name">{o.name}</span>
            <span className="muted">{o.role}</span>
            <span className="presence">
              {o.presence}
              {o.awayReason ? ` (${o.awayReason})` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
