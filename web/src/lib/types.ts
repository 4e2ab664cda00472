export type {
  MessageSummary as Message,
  OfferSummary as Offer,
  SessionSummary as Session,
  Presence,
} from '@switchboard/server/events';

export interface Composer {
  freeText: boolean;
  freeTextUntil: string | null;
  otherwise: 'templates' | 'nothing';
  reason?: string;
  lockedUntilReply?: boolean;
  maxTextLength: number;
}

export interface Me {
  id: string;
  tenantId: string;
  name: string;
  role: 'operator' | 'supervisor' | 'admin';
  groupIds: string[] | 'all';
  csrfToken?: string;
}

export interface OperatorRow {
  id: string;
  name: string;
  role: string;
  presence: string;
  awayReason: string | null;
}
