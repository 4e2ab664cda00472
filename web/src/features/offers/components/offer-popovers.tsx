import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { Elapsed } from '../../../components/ui/elapsed';
import { ErrorText } from '../../../components/ui/error-text';
import { dialogOpen } from '../../../lib/keyboard';
import type { Offer } from '../../../lib/types';
import { useAcceptOffer, useOffers } from '../api/offers';

/** One popover per pending offer; Alt+A accepts the oldest. */
export function OfferPopovers({ onAccepted }: { onAccepted: (sessionId: string) => void }) {
  const { data: offers = [] } = useOffers();
  const accept = useAcceptOffer();
  const [error, setError] = useState<{ offerId: string; error: unknown } | null>(null);

  async function run(offer: Offer) {
    try {
      setError(null);
      await accept(offer);
      onAccepted(offer.sessionId);
    } catch (e) {
      setError({ offerId: offer.id, error: e });
    }
  }

  const first = offers[0];
  useEffect(() => {
    if (!first) return;
    function onKey(event: KeyboardEvent) {
      if (dialogOpen()) return;
      if (event.altKey && (event.key === 'a' || event.key === 'A' || event.code === 'KeyA')) {
        event.preventDefault();
        void run(first!);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (offers.length === 0) return null;
  return (
    <div className="offers" aria-live="polite">
      {offers.map((offer) => (
        <OfferCard
          key={offer.id}
          offer={offer}
          onAccept={() => void run(offer)}
          error={error?.offerId === offer.id ? error.error : null}
        />
      ))}
    </div>
  );
}

function OfferCard({ offer, onAccept, error }: { offer: Offer; onAccept: () => void; error: unknown }) {
  const { t } = useTranslation();
  const s = offer.session;
  const contact = s.contact.name ?? t('common.unknownContact');
  return (
    <section className="offer" role="region" aria-label={t('offer.title', { contact })} data-testid="offer">
      <header>
        <ChannelIcon channel={s.channel} />
        <strong>{t(`offer.kind.${offer.kind}`)}</strong>
        <Elapsed since={s.queuedAt} label={t('offer.waitingFor')} />
      </header>
      <dl>
        <dt>{t('offer.group')}</dt>
        <dd data-testid="offer-group">{s.groupName ?? '—'}</dd>
        <dt>{t('offer.source')}</dt>
        <dd data-testid="offer-source">{s.sourceUrl ?? s.sourceName}</dd>
        <dt>{t('offer.contact')}</dt>
        <dd data-testid="offer-contact">{contact}</dd>
      </dl>
      {s.firstMessage && (
        <blockquote className="first-message" data-testid="offer-message">
          {s.firstMessage}
        </blockquote>
      )}
      <ErrorText error={error} />
      <button type="button" className="primary" onClick={onAccept} aria-keyshortcuts="Alt+A">
        {t('offer.accept')} <kbd>Alt+A</kbd>
      </button>
    </section>
  );
}
