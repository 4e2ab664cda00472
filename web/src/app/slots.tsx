import type { ReactNode } from 'react';
import { SlotsContext, type Slots } from '../lib/slots';
import { FilePicker } from '../features/files/components/file-picker';
import { MessageFiles } from '../features/files/components/message-files';
import { SessionFiles } from '../features/files/components/session-files';
import { SessionTemplateSender } from '../features/whatsapp/components/session-template-sender';

const slots: Slots = {
  messageFiles: (message) => <MessageFiles message={message} />,
  filePicker: (props) => <FilePicker {...props} />,
  sessionFiles: (sessionId) => <SessionFiles sessionId={sessionId} />,
  templateSender: (props) => <SessionTemplateSender {...props} />,
};

/** Fills the places where features show each other's work (see lib/slots). */
export function AppSlots({ children }: { children: ReactNode }) {
  return <SlotsContext.Provider value={slots}>{children}</SlotsContext.Provider>;
}
