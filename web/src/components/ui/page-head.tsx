import type { ReactNode } from 'react';

/** A page's title with its main action beside it, and the sentence under them that says what the page is for. */
export function PageHead({ title, action, intro }: { title: string; action?: ReactNode; intro?: ReactNode }) {
  return (
    <>
      <div className="page-head">
        <h1>{title}</h1>
        {action}
      </div>
      {intro && <p className="muted page-intro">{intro}</p>}
    </>
  );
}
