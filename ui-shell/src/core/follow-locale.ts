/**
 * `new FollowLocale(this)` in an element's constructor re-renders it when the user
 * picks another language. The shell sets `locale` only on a plugin's root element; an
 * element deeper down whose properties did not change would keep its old texts.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { onLocaleChange } from "./i18n.js";

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
