import {
  parse,
  protocol,
  type PGlite,
  type QueryOptions,
  type Results,
  type Transaction,
} from '@electric-sql/pglite';

/*
 * Named prepared statements on PGlite. Its `query` parses, plans and runs every statement afresh, in six calls into
 * the database (parse, describe, bind, describe, execute, sync), each parsed again in JavaScript. On the embedded
 * database that was most of a message's cost: planning alone asks the file system for every table's size. A
 * statement run again is prepared once per database instead, and then runs in one call (bind, execute, sync), with
 * PostgreSQL's plan cache deciding when its plan is kept, as on PostgreSQL with node-postgres' named statements.
 */

type Parsers = Parameters<typeof parse.parseResults>[1];
type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

interface Statement {
  name: string;
  /** The parameters' types, to serialise values as PGlite's own query does. */
  types: number[];
  /** What the statement's rows look like, or none for a statement without rows. */
  description: BackendMessage | undefined;
}

/** Texts seen once are counted, up to a bound: a text run only once (DDL, a one-off read) is not prepared. */
const MAX_COUNTED = 5_000;
const MAX_PREPARED = 1_000;

/** Query options that the prepared path honours; any other (a blob, parameter types) takes PGlite's own path. */
const HANDLED_OPTIONS = new Set(['rowMode', 'parsers', 'serializers']);

/**
 * Makes `client.query`, and the `query` of every transaction it opens, run repeated statements as named prepared
 * statements. Everything else (multi-statement `exec`, `listen`, options the prepared path does not handle) is
 * PGlite's own. Results, errors and notifications are as PGlite's `query` gives them.
 */
export function usePreparedStatements(client: PGlite): void {
  const seen = new Map<string, number>();
  const statements = new Map<string, Statement>();
  let prepared = 0;
  const ownQuery = client.query.bind(client) as PGlite['query'];
  const ownTransaction = client.transaction.bind(client);
  const internals = client as unknown as {
    _runExclusiveQuery<T>(run: () => Promise<T>): Promise<T>;
    _runExclusiveTransaction<T>(run: () => Promise<T>): Promise<T>;
    parsers: QueryOptions['parsers'];
    serializers: QueryOptions['serializers'];
  };

  /** Whether to run `text` prepared: it came before, and the options are ones this path handles. */
  function worthPreparing(text: string, options: QueryOptions | undefined): boolean {
    if (options && Object.keys(options).some((key) => !HANDLED_OPTIONS.has(key))) return false;
    if (statements.has(text)) return true;
    const count = seen.get(text);
    if (count === undefined) {
      if (seen.size < MAX_COUNTED) seen.set(text, 1);
      return false;
    }
    return statements.size < MAX_PREPARED;
  }

  async function prepare(text: string): Promise<Statement> {
    const name = `pglite_${++prepared}`;
    const { messages } = await client.execProtocol(
      concat([
        protocol.serialize.parse({ name, text }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const statement = {
      name,
      types: parse.parseDescribeStatementResults(messages),
      description: messages.find((message) => message.name === 'rowDescription'),
    };
    statements.set(text, statement);
    return statement;
  }

  /** Runs `text` as its prepared statement, in whatever transaction is open; the caller holds PGlite's lock. */
  async function runPrepared<T>(
    text: string,
    params: unknown[],
    options: QueryOptions | undefined,
  ): Promise<Results<T>> {
    const statement = statements.get(text) ?? (await prepare(text));
    const values = params.map((param, index) => {
      if (param === null || param === undefined) return null;
      const type = statement.types[index]!;
      const serialize = options?.serializers?.[type] ?? internals.serializers?.[type];
      return serialize ? serialize(param) : String(param);
    });
    let messages: BackendMessage[];
    try {
      ({ messages } = await client.execProtocol(
        concat([
          protocol.serialize.bind({ statement: statement.name, values }),
          protocol.serialize.execute({}),
          protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      ));
    } catch (error) {
      // A table the statement reads changed its columns: prepared again next time.
      if ((error as { code?: string }).code === '0A000') statements.delete(text);
      throw error;
    }
    const described = statement.description ? [statement.description, ...messages] : messages;
    return parse.parseResults(described, internals.parsers as Parsers, options)[0] as Results<T>;
  }

  client.query = (async <T>(text: string, params: unknown[] = [], options?: QueryOptions) => {
    if (!worthPreparing(text, options)) return ownQuery<T>(text, params, options);
    // As PGlite's own query outside a transaction: after any open transaction, one statement at a time.
    const results = await internals._runExclusiveTransaction(() =>
      internals._runExclusiveQuery(() => runPrepared<T>(text, params, options)),
    );
    await client.syncToFs();
    return results;
  }) as PGlite['query'];

  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    ownTransaction((tx) => {
      const ownTxQuery = tx.query.bind(tx);
      tx.query = (async <R>(text: string, params: unknown[] = [], options?: QueryOptions) => {
        if (!worthPreparing(text, options)) return ownTxQuery<R>(text, params, options);
        if (tx.closed) throw new Error('Transaction is closed');
        return internals._runExclusiveQuery(() => runPrepared<R>(text, params, options));
      }) as Transaction['query'];
      return callback(tx);
    })) as PGlite['transaction'];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}
