/** One request the sandbox received on its Graph API or media URLs. */
export interface LoggedCall {
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status?: number;
  response?: unknown;
}

/** The log of every call a connector made, for assertions in tests. */
export class CallLog {
  private readonly calls: LoggedCall[] = [];

  constructor(private readonly limit = 10_000) {}

  /** Records a call; the oldest are dropped past the limit so a long demo run stays bounded. */
  add(call: LoggedCall): LoggedCall {
    this.calls.push(call);
    if (this.calls.length > this.limit) this.calls.splice(0, this.calls.length - this.limit);
    return call;
  }

  list(filter: { method?: string; pathContains?: string } = {}): LoggedCall[] {
    return this.calls.filter(
      (c) =>
        (!filter.method || c.method === filter.method.toUpperCase()) &&
        (!filter.pathContains || c.path.includes(filter.pathContains)),
    );
  }

  clear(): void {
    this.calls.length = 0;
  }
}
