import { QueryClient } from '@tanstack/react-query';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 30_000 },
    // A change is sent at once, offline or not: a failed request is shown as the error it is, not held back.
    mutations: { networkMode: 'always' },
  },
});
