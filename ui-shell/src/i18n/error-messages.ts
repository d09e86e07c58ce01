/**
 * What a person reads when the server refuses something: one headline per error code
 * of the SDK catalogue (kernel/plugin-sdk/src/errors.ts), variants that use the
 * error's details, and fallbacks by HTTP status. Used by `describeError` directly
 * (not through the shared catalogue), so it works before the shell registers labels.
 */
export const errorMessages = {
  ro: {
    "error.code.BAD_REQUEST": "Cererea nu poate fi îndeplinită așa cum a fost trimisă.",
    "error.code.VALIDATION_FAILED": "Datele trimise nu sunt completate corect.",
    "error.code.VALIDATION_FAILED.field": "Câmpul „{field}” nu este completat corect.",
    "error.code.UNAUTHORIZED": "Sesiunea nu mai este valabilă. Autentificați-vă din nou.",
    "error.code.UNAUTHORIZED.credentials": "Utilizatorul sau parola nu sunt corecte.",
    "error.code.FORBIDDEN": "Nu aveți dreptul să faceți asta.",
    "error.code.FORBIDDEN.permission":
      "Nu aveți dreptul să faceți asta (lipsește dreptul {permission}).",
    "error.code.NOT_FOUND": "Nu a fost găsit: poate a fost șters între timp.",
    "error.code.CONFLICT":
      "Operația nu este posibilă în starea actuală. Reîncărcați pagina și încercați din nou.",
    "error.code.CONFLICT.status":
      "Operația nu este posibilă cât timp documentul este în starea {status}.",
    "error.code.PAYLOAD_TOO_LARGE": "Fișierul este prea mare.",
    "error.code.PAYLOAD_TOO_LARGE.max": "Fișierul este prea mare (maxim {max}).",
    "error.code.UNSUPPORTED_MEDIA_TYPE": "Tipul fișierului nu este acceptat.",
    "error.code.UNSUPPORTED_MEDIA_TYPE.accepted":
      "Tipul fișierului nu este acceptat. Se acceptă: {accepted}.",
    "error.code.TOO_MANY_REQUESTS": "Prea multe încercări. Așteptați puțin și încercați din nou.",
    "error.code.TOO_MANY_REQUESTS.wait": "Prea multe încercări. Încercați din nou {wait}.",
    "error.code.SERVICE_UNAVAILABLE":
      "Serviciul nu este disponibil acum. Încercați din nou peste câteva momente.",
    "error.code.SERVICE_UNAVAILABLE.wait":
      "Serviciul nu este disponibil acum. Încercați din nou {wait}.",
    "error.code.DATABASE_UNAVAILABLE":
      "Baza de date nu poate fi contactată acum, așa că nu s-a salvat nimic. Rapoartele deja calculate se pot citi în continuare. Încercați din nou peste câteva momente.",
    "error.code.DATABASE_UNAVAILABLE.wait":
      "Baza de date nu poate fi contactată acum, așa că nu s-a salvat nimic. Rapoartele deja calculate se pot citi în continuare. Încercați din nou {wait}.",
    "error.code.DATABASE_UNAVAILABLE.unsure":
      "Baza de date nu a mai răspuns înainte să confirme modificarea, așa că nu se știe dacă s-a salvat. Verificați înainte să încercați din nou.",
    "error.code.STARTING": "Serverul pornește. Încercați din nou peste câteva momente.",
    "error.code.INTERNAL": "A apărut o eroare pe server.",
    "error.code.NETWORK": "Serverul nu poate fi contactat. Verificați conexiunea.",
    "error.code.NETWORK.offline": "Nu sunteți conectat la internet.",
    "error.status.4xx": "Cererea nu a putut fi îndeplinită.",
    "error.status.5xx": "A apărut o eroare pe server.",
    "error.status.other": "Ceva nu a funcționat.",
    "error.requestId": "Cod cerere: {id}",
    "error.detail": "Detalii: {message}",
  },
  en: {
    "error.code.BAD_REQUEST": "The request cannot be carried out as it was sent.",
    "error.code.VALIDATION_FAILED": "Some of the data is not filled in correctly.",
    "error.code.VALIDATION_FAILED.field": "The field “{field}” is not filled in correctly.",
    "error.code.UNAUTHORIZED": "Your session is no longer valid. Please sign in again.",
    "error.code.UNAUTHORIZED.credentials": "The user name or password is wrong.",
    "error.code.FORBIDDEN": "You are not allowed to do this.",
    "error.code.FORBIDDEN.permission":
      "You are not allowed to do this (the {permission} permission is missing).",
    "error.code.NOT_FOUND": "Not found: it may have been deleted in the meantime.",
    "error.code.CONFLICT":
      "This is not possible in the current state. Reload the page and try again.",
    "error.code.CONFLICT.status": "This is not possible while the document is {status}.",
    "error.code.PAYLOAD_TOO_LARGE": "The file is too large.",
    "error.code.PAYLOAD_TOO_LARGE.max": "The file is too large (at most {max}).",
    "error.code.UNSUPPORTED_MEDIA_TYPE": "This file type is not accepted.",
    "error.code.UNSUPPORTED_MEDIA_TYPE.accepted":
      "This file type is not accepted. Accepted: {accepted}.",
    "error.code.TOO_MANY_REQUESTS": "Too many attempts. Wait a little and try again.",
    "error.code.TOO_MANY_REQUESTS.wait": "Too many attempts. Try again {wait}.",
    "error.code.SERVICE_UNAVAILABLE":
      "The service is not available right now. Try again in a few moments.",
    "error.code.SERVICE_UNAVAILABLE.wait":
      "The service is not available right now. Try again {wait}.",
    "error.code.DATABASE_UNAVAILABLE":
      "The database cannot be reached right now, so nothing was saved. Reports already computed can still be read. Try again in a few moments.",
    "error.code.DATABASE_UNAVAILABLE.wait":
      "The database cannot be reached right now, so nothing was saved. Reports already computed can still be read. Try again {wait}.",
    "error.code.DATABASE_UNAVAILABLE.unsure":
      "The database stopped answering before it confirmed the change, so it may or may not have been saved. Check before you try again.",
    "error.code.STARTING": "The server is starting. Try again in a few moments.",
    "error.code.INTERNAL": "Something went wrong on the server.",
    "error.code.NETWORK": "The server cannot be reached. Check the connection.",
    "error.code.NETWORK.offline": "You are not connected to the internet.",
    "error.status.4xx": "The request could not be carried out.",
    "error.status.5xx": "Something went wrong on the server.",
    "error.status.other": "Something did not work.",
    "error.requestId": "Request id: {id}",
    "error.detail": "Details: {message}",
  },
} as const;

/** Codes that mean the same as a catalogue code (older names, transport-level ones). */
export const CODE_ALIASES: Readonly<Record<string, string>> = {
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  HTTP_ERROR: "",
  ERROR: "",
};

/** The catalogue code a bare HTTP status stands for (a proxy's HTML 502, a 429 without body). */
export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL",
  503: "SERVICE_UNAVAILABLE",
};
