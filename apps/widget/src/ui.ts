import { VoiceClient, type CallStatus } from "@orbis/voice-client";

export interface WidgetOptions {
  agentId: string;
  /** Publishable key (pk_…) whose allowed origins include this page's origin. */
  apiKey: string;
  position?: "bottom-right" | "bottom-left";
  /** Accent colour (any CSS colour). */
  color?: string;
  /** Shown as the agent's first line before the call starts. */
  greeting?: string;
  /** Title of the panel. */
  title?: string;
  /** Server origin; defaults to where widget.js was loaded from. */
  host?: string;
}

const CSS = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.fab{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;z-index:2147483000}
.fab:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.r{right:20px}.l{left:20px}
.panel{position:fixed;bottom:88px;width:min(360px,calc(100vw - 24px));max-height:min(520px,calc(100vh - 110px));background:#fff;color:#111827;border-radius:14px;box-shadow:0 10px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;font-size:14px}
.panel[hidden]{display:none}
.r.panel{right:12px}.l.panel{left:12px}
header{background:var(--c);color:#fff;padding:12px 14px;display:flex;align-items:center;justify-content:space-between;font-weight:600}
header button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}
.body{padding:12px 14px;overflow:auto;flex:1;display:flex;flex-direction:column;gap:8px}
.msg{padding:8px 10px;border-radius:10px;max-width:85%;line-height:1.35;white-space:pre-wrap}
.agent{background:#f3f4f6;align-self:flex-start}.user{background:var(--c);color:#fff;align-self:flex-end}
.partial{opacity:.65}
.note{color:#374151;font-size:13px}
.err{color:#991b1b;background:#fef2f2;border:1px solid #fecaca;border-radius:8px;padding:8px 10px;font-size:13px}
.status{font-size:12px;color:#4b5563;padding:0 14px 6px}
footer{border-top:1px solid #e5e7eb;padding:10px;display:flex;gap:8px;flex-wrap:wrap}
form{display:flex;gap:6px;flex:1 1 100%}
input{flex:1;border:1px solid #9ca3af;border-radius:8px;padding:8px;font-size:14px;min-width:0}
.btn{border:0;border-radius:8px;padding:8px 12px;background:var(--c);color:#fff;cursor:pointer;font-size:14px;font-weight:600}
.btn.alt{background:#e5e7eb;color:#111827}
.btn[disabled]{opacity:.5;cursor:not-allowed}
`;

const MIC =
  '<svg width="24" height="24" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2Z"/></svg>';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const STATUS_TEXT: Record<CallStatus, string> = {
  idle: "",
  connecting: "Connecting…",
  live: "Live: speak or type",
  reconnecting: "Reconnecting…",
  ended: "Call ended",
  error: "",
};

/** One floating button + panel in a shadow root: host CSS cannot reach in, ours cannot leak out. */
export class Widget {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly panel: HTMLElement;
  private readonly body: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly statusLine: HTMLElement;
  private client: VoiceClient | undefined;
  private consented = false;
  private partial: HTMLElement | undefined;
  private onPageHide = () => this.client?.stop();

  constructor(
    private readonly opts: WidgetOptions,
    private readonly baseUrl: string,
  ) {
    this.host = el("div", { "data-orbisvoice": opts.agentId });
    this.root = this.host.attachShadow({ mode: "open" });
    const side = opts.position === "bottom-left" ? "l" : "r";
    const style = el("style", {}, CSS);
    this.host.style.setProperty("--c", opts.color ?? "#4f46e5");
    const fab = el("button", { class: `fab ${side}`, "aria-label": "Talk to us", "aria-expanded": "false", part: "button" });
    fab.innerHTML = MIC;
    this.panel = el("div", { class: `panel ${side}`, role: "dialog", "aria-label": opts.title ?? "Voice assistant", hidden: "" });
    const header = el("header");
    header.append(el("span", {}, opts.title ?? "Talk to us"));
    const close = el("button", { "aria-label": "Close" }, "×");
    header.append(close);
    this.body = el("div", { class: "body", "aria-live": "polite" });
    this.statusLine = el("div", { class: "status", role: "status" });
    this.footer = el("footer");
    this.panel.append(header, this.body, this.statusLine, this.footer);
    this.root.append(style, this.panel, fab);

    fab.addEventListener("click", () => this.toggle(fab));
    close.addEventListener("click", () => this.toggle(fab, false));
    window.addEventListener("pagehide", this.onPageHide);
    if (opts.greeting) this.addLine("agent", opts.greeting);
    this.renderConsent();
    document.body.append(this.host);
  }

  open() {
    const fab = this.root.querySelector<HTMLButtonElement>(".fab");
    if (fab) this.toggle(fab, true);
  }

  destroy() {
    this.client?.stop();
    window.removeEventListener("pagehide", this.onPageHide);
    this.host.remove();
  }

  private toggle(fab: HTMLElement, show = this.panel.hidden) {
    this.panel.hidden = !show;
    fab.setAttribute("aria-expanded", String(show));
    if (show) this.panel.querySelector<HTMLElement>("footer button, footer input")?.focus();
  }

  /** Nothing is captured before the visitor agrees (issue 7: consent gates the microphone). */
  private renderConsent() {
    this.footer.replaceChildren();
    const note = el(
      "p",
      { class: "note", "data-consent": "" },
      "This call may be recorded and transcribed to help us serve you. Your microphone is used only after you start the call.",
    );
    const start = el("button", { class: "btn", "data-action": "start" }, "Start call");
    const type = el("button", { class: "btn alt", "data-action": "type" }, "Type instead");
    start.addEventListener("click", () => this.begin(true, note));
    type.addEventListener("click", () => this.begin(false, note));
    this.footer.append(note, start, type);
  }

  private begin(mic: boolean, note?: HTMLElement) {
    this.consented = true;
    note?.remove();
    this.client ??= new VoiceClient({
      baseUrl: this.baseUrl,
      agentId: this.opts.agentId,
      apiKey: this.opts.apiKey,
      events: {
        status: (s, detail) => this.onStatus(s, detail),
        transcript: (role, text, final) => this.onTranscript(role, text, final),
        micError: (m) => this.showError(m, false),
      },
    });
    this.renderCall();
    this.client.start({ mic });
  }

  private renderCall() {
    this.footer.replaceChildren();
    const form = el("form");
    const input = el("input", { "aria-label": "Type a message", placeholder: "Type a message…", maxlength: "2000" });
    const send = el("button", { class: "btn", type: "submit" }, "Send");
    form.append(input, send);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.client?.sendText(input.value)) input.value = "";
    });
    const end = el("button", { class: "btn alt", "data-action": "end" }, "End call");
    end.addEventListener("click", () => this.client?.stop());
    this.footer.append(form, end);
  }

  private onStatus(status: CallStatus, detail?: string) {
    const label = status === "live" && !this.client?.micActive ? "Live: type a message" : STATUS_TEXT[status];
    this.statusLine.textContent = status === "error" ? "" : [label, status === "live" ? "" : detail].filter(Boolean).join(" · ");
    if (status === "error") this.showError(detail ?? "Something went wrong.", true);
    if (status === "ended") this.renderAgain("Call again");
  }

  private onTranscript(role: "user" | "agent", text: string, final: boolean) {
    if (this.partial && this.partial.dataset.role === role) {
      this.partial.textContent = text;
      this.partial.classList.toggle("partial", !final);
      if (final) this.partial = undefined;
    } else {
      const line = this.addLine(role, text);
      if (!final) {
        line.classList.add("partial");
        this.partial = line;
      }
    }
  }

  private addLine(role: "user" | "agent", text: string) {
    const line = el("div", { class: `msg ${role}`, "data-role": role }, text);
    this.body.append(line);
    this.body.scrollTop = this.body.scrollHeight;
    return line;
  }

  private showError(message: string, fatal: boolean) {
    const box = el("div", { class: "err", role: "alert" }, message);
    this.body.append(box);
    this.body.scrollTop = this.body.scrollHeight;
    if (fatal) this.renderAgain("Retry");
  }

  private renderAgain(label: string) {
    if (!this.consented) return this.renderConsent();
    this.footer.replaceChildren();
    const again = el("button", { class: "btn", "data-action": "retry" }, label);
    again.addEventListener("click", () => this.begin(true));
    this.footer.append(again);
  }
}
