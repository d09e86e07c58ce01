/**
 * Re-renders an element when the user picks another language. The shell passes
 * `locale` only to a plugin's root element; the receipt page's parts are deeper, and a
 * part whose properties did not change would otherwise keep its old texts.
 */
import {
  onLocaleChange,
  type ReactiveController,
  type ReactiveControllerHost,
} from "@roa2web/ui-shell/api";

export class FollowLocale implements ReactiveController {
  #off: (() => void) | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#off = onLocaleChange(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.#off?.();
    this.#off = undefined;
  }
}
