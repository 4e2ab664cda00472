import { mountWidget } from './widget';

/**
 * The one script tag a site adds: `<script src=".../widget.js" data-key="PUBLIC_KEY" async></script>`. The API
 * lives where the script came from.
 */
function boot() {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
  const key = script?.dataset.key;
  if (!script || !key) {
    console.warn('Switchboard chat: the script tag needs a data-key attribute');
    return;
  }
  const base = new URL(script.src, location.href).origin;
  const mount = () => {
    // A page that includes the tag twice still gets one widget.
    if (!document.getElementById('switchboard-widget')) mountWidget({ key, base });
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}

boot();
