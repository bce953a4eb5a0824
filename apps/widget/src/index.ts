import { drainQueue, type Stub } from "./queue.ts";
import { Widget, type WidgetOptions } from "./ui.ts";

/**
 * widget.js: `window.OrbisVoice.init({ agentId, apiKey })`. Calls made before this file loaded were
 * queued by the inline stub (`OrbisVoice.q`) and run now, in order.
 */
declare global {
  interface Window {
    OrbisVoice?: Stub & Record<string, unknown>;
  }
}

const VERSION = "0.1.0";
const script = document.currentScript as HTMLScriptElement | null;
const scriptOrigin = script?.src ? new URL(script.src).origin : location.origin;
const widgets = new Map<string, Widget>();

function init(opts: WidgetOptions): Widget | undefined {
  if (!opts || typeof opts.agentId !== "string" || typeof opts.apiKey !== "string") {
    console.error("OrbisVoice.init needs { agentId, apiKey }");
    return undefined;
  }
  widgets.get(opts.agentId)?.destroy();
  const mount = () => {
    const widget = new Widget(opts, (opts.host ?? scriptOrigin).replace(/\/$/, ""));
    widgets.set(opts.agentId, widget);
    performance.mark("orbisvoice:ready");
    window.dispatchEvent(new CustomEvent("orbisvoice:ready", { detail: { agentId: opts.agentId } }));
    return widget;
  };
  if (document.body) return mount();
  document.addEventListener("DOMContentLoaded", mount, { once: true });
  return undefined;
}

const api = {
  version: VERSION,
  init,
  open: (agentId?: string) => (agentId ? widgets.get(agentId) : widgets.values().next().value)?.open(),
  destroy: (agentId?: string) => {
    for (const [id, w] of widgets) {
      if (agentId && id !== agentId) continue;
      w.destroy();
      widgets.delete(id);
    }
  },
};

const stub = window.OrbisVoice;
window.OrbisVoice = api;
drainQueue(stub, api, (m) => console.warn(m));
