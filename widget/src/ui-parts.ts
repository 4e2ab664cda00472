import { ApiError, NetworkError } from './api';

/** The launcher's speech-bubble icon, built as elements like everything else (the widget never sets innerHTML). */
export function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z');
  svg.append(path);
  return svg;
}

/** Why an action failed, in words for the customer. */
export function describe(error: unknown): string {
  if (error instanceof NetworkError)
    return 'No connection. Please check your internet connection and try again.';
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}
