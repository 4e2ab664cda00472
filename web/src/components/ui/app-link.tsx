import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../../lib/router';

/** A link inside the app: a real `<a href>` (open in a new tab works) that navigates without reloading. */
export function AppLink({
  to,
  children,
  current,
  className,
}: {
  to: string;
  children: ReactNode;
  current?: boolean;
  className?: string;
}) {
  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} onClick={onClick} aria-current={current ? 'page' : undefined} className={className}>
      {children}
    </a>
  );
}
