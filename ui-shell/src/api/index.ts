/**
 * The shell's API for plugin UIs: `import { … } from "@roa2web/ui-shell/api"`.
 *
 * At run time the shell serves this module at `/shell/api.js`; a plugin's Vite build
 * marks the specifier external and rewrites it to that URL (see
 * docs/plugin-authoring.md, "Web UI"), so every plugin shares the shell's one copy
 * of Lit, its session and its components instead of bundling its own.
 */
import "../components/roa-toast.js";
import "../components/roa-error-card.js";
import "../components/roa-data-table.js";
import "../components/roa-table-scroll.js";
import "../components/roa-selectors.js";

export type {
  PropertyValues,
  ReactiveController,
  ReactiveControllerHost,
  TemplateResult,
} from "lit";
export { css, html, LitElement, nothing, svg, unsafeCSS } from "lit";
export { classMap } from "lit/directives/class-map.js";
export { ifDefined } from "lit/directives/if-defined.js";
export { live } from "lit/directives/live.js";
export { createRef, ref } from "lit/directives/ref.js";
export { repeat } from "lit/directives/repeat.js";
export type { Column, SortChange } from "../components/roa-data-table.js";
export type { ToastKind } from "../components/roa-toast.js";
export { toast, toastError } from "../components/roa-toast.js";
export { ApiError } from "../core/api-error.js";
export type {
  DescribeOptions,
  ErrorDescription,
  FieldErrorDescription,
} from "../core/describe-error.js";
export { describeError, describeFieldError, errorDetailLine } from "../core/describe-error.js";
export { FollowLocale } from "../core/follow-locale.js";
export {
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  formatPeriod,
} from "../core/format.js";
export type { Query, RequestOptions } from "../core/http.js";
export { api, readEvents, withQuery } from "../core/http.js";
export type { Locale } from "../core/i18n.js";
export {
  locale,
  localeTag,
  onLocaleChange,
  pluralCategory,
  registerMessages,
  t,
} from "../core/i18n.js";
export { announcePageTitle } from "../core/page-title.js";
export { currentQuery, navigate, PluginElement, setQuery } from "../core/plugin-element.js";
export type { Company, CurrentUser, PluginInfo } from "../core/shell-state.js";
export { shellState } from "../core/shell-state.js";
export { sharedStyles } from "../core/styles.js";
