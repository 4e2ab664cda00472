import { ErrorText } from '../../../components/ui/error-text';

/**
 * An error of a form here. A conflict (409: a name taken, a group still in use) is shown with the server's own
 * message, which says what is in the way; the general text for the code ("a change made meanwhile") would not.
 */
export function RefusalText({ error, prefix }: { error: unknown; prefix?: string }) {
  const { status, message } = (error ?? {}) as { status?: number; message?: string };
  if (status === 409 && message)
    return (
      <p role="alert" className="error">
        {prefix ? `${prefix} ${message}` : message}
      </p>
    );
  return <ErrorText error={error} detail />;
}
