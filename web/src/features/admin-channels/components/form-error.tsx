import { ErrorText } from '../../../components/ui/error-text';

/**
 * A refused form: the server's reason for a refused value (400, 422) and for a conflict (409: "This WhatsApp number
 * is already connected"), which the generic conflict text would not say; a check made in the page has no status.
 */
export function FormError({ error }: { error: unknown }) {
  const { status, message } = (error ?? {}) as { status?: number; message?: string };
  if (error && (status === 409 || status === undefined) && message)
    return (
      <p role="alert" className="error">
        {message}
      </p>
    );
  return <ErrorText error={error} detail />;
}
