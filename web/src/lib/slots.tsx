import { createContext, useContext, type ReactNode } from 'react';
import type { FileInfo, Message } from './types';

/**
 * Places where one feature shows another's work (the timeline shows files, the composer attaches them). Features
 * do not import each other: the app fills these slots.
 */
export interface Slots {
  /** The files of a message in a timeline. */
  messageFiles: (message: Message) => ReactNode;
  /** The composer's "attach files" control: uploads, and lists the files that go with the next message. */
  filePicker: (props: FilePickerProps) => ReactNode;
  /** The list of a session's files (Session Files). */
  sessionFiles: (sessionId: string) => ReactNode;
  /** What the composer offers when only channel templates may be sent (a closed WhatsApp window). */
  templateSender: (props: TemplateSenderProps) => ReactNode;
}

export interface TemplateSenderProps {
  sessionId: string;
  channel: string;
  channelAccountId: string;
}

export interface FilePickerProps {
  sessionId: string;
  channel: string;
  disabled: boolean;
  /** Uploaded, to be sent with the next message. */
  files: FileInfo[];
  onChange: (files: FileInfo[]) => void;
  /** An upload is under way: the message waits for it. */
  onBusy: (busy: boolean) => void;
}

export const SlotsContext = createContext<Slots>({
  messageFiles: () => null,
  filePicker: () => null,
  sessionFiles: () => null,
  templateSender: () => null,
});

export function useSlots(): Slots {
  return useContext(SlotsContext);
}
