import { byId, setText } from "./dom.js";
import { formatCount } from "./format.js";
import type { Transport } from "./transport.js";
import type { ProxyStatus } from "./types.js";

/**
 * The proxy switch with the proxy's route, the requests in flight, and its
 * warning and error. The switch follows each snapshot except while a change
 * the user made is on its way to the core.
 */
export class ProxyPanel {
  private readonly toggle = byId<HTMLInputElement>("proxy-switch");
  private readonly state = byId("proxy-state");
  private readonly route = byId("proxy-route");
  private readonly inFlight = byId("proxy-in-flight");
  private readonly warning = byId("proxy-warning");
  private readonly error = byId("proxy-error");
  private pending = false;

  constructor(
    private readonly transport: Transport,
    private readonly reportError: (message: string) => void,
  ) {
    this.toggle.addEventListener(
      "change",
      () => void this.switchTo(this.toggle.checked),
    );
  }

  update(status: ProxyStatus): void {
    if (!this.pending) this.showEnabled(status.enabled);

    setText(
      this.route,
      `${status.listenUrl ?? "not listening"} → ${status.upstream}`,
    );
    setText(this.inFlight, `${formatCount(status.inFlight)} in flight`);
    showBanner(this.warning, status.warning);
    showBanner(this.error, status.error?.message ?? null);
  }

  private async switchTo(enabled: boolean): Promise<void> {
    this.pending = true;
    this.toggle.disabled = true;
    try {
      this.showEnabled(await this.transport.setProxyEnabled(enabled));
    } catch (error) {
      this.showEnabled(!enabled);
      this.reportError(
        `Could not switch the proxy ${enabled ? "on" : "off"}: ${(error as Error).message}`,
      );
    } finally {
      this.pending = false;
      this.toggle.disabled = false;
    }
  }

  private showEnabled(enabled: boolean): void {
    this.toggle.checked = enabled;
    this.toggle.setAttribute("aria-checked", String(enabled));
    setText(this.state, enabled ? "Proxy on" : "Proxy off: requests get 503");
    document.body.classList.toggle("proxy-off", !enabled);
  }
}

function showBanner(banner: HTMLElement, message: string | null): void {
  banner.hidden = message === null;
  setText(banner, message ?? "");
}
