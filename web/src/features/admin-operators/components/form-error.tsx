import { ApiError } from '../../../lib/api';
import { ErrorText } from '../../../components/ui/error-text';

/**
 * A refusal of an operator's form. A conflict (an e-mail already taken) is shown in the server's own words, which
 * say what conflicts; other refusals as everywhere, with the reason for a refused value.
 */
export function FormError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 409)
    return (
      <p role="alert" className="error">
        {error.message}
      </p>
    );
  return <ErrorText error={error} detail />;
}
