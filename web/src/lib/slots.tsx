import { createContext, useContext, type ReactNode } from 'react';
import type { Message } from './types';

/**
 * Places where one feature shows another's work (the timeline shows files, the composer attaches them). Features
 * do not import each other: the app fills these slots.
 */
export interface Slots {
  /** The files of a message in a timeline. */
  messageFiles: (message: Message) => ReactNode;
  /** The composer's "attach files" control. */
  filePicker: (props: { sessionId: string; channel: string; disabled: boolean }) => ReactNode;
  /** The list of a session's files (Session Files). */
  sessionFiles: (sessionId: string) => ReactNode;
}

export const SlotsContext = createContext<Slots>({
  messageFiles: () => null,
  filePicker: () => null,
  sessionFiles: () => null,
});

export function useSlots(): Slots {
  return useContext(SlotsContext);
}
