import { AwilixContainer } from 'awilix';
import { AuthUser, EventBus, ServiceRegistry, ErpClient, CacheService, ResolvedPluginManifest, PluginDefinition, PluginContext, HealthStatus } from '@roa2web/plugin-sdk';
import { Logger as Logger$2 } from 'pino';
import { DataSource } from 'typeorm';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FastifyInstance } from 'fastify';

/**
 * The kernel's typed settings. Every field has a development default; production
 * refuses to start without its secrets (see `validateForEnvironment`).
 */
type Environment = "development" | "test" | "production";
type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
interface OracleSettings {
    user: string;
    password: string;
    connectString: string;
    poolMin: number;
    poolMax: number;
    /** ms a request waits for a free pooled connection before failing. */
    queueTimeoutMs: number;
    /** seconds to establish a new connection (node-oracledb `connectTimeout`). */
    connectTimeoutSeconds: number;
    /** ms a single statement may run (node-oracledb `callTimeout`). */
    callTimeoutMs: number;
    /** Stored procedure that checks ERP credentials. */
    authProcedure: string;
}
interface KernelSettings {
    environment: Environment;
    host: string;
    port: number;
    dataDir: string;
    /** Public base URL, for links the kernel writes (docs, Telegram webhook). */
    publicUrl: string | undefined;
    log: {
        level: LogLevel;
        pretty: boolean;
        /** Log one line per request at info (otherwise only errors and slow requests). */
        requests: boolean;
        slowRequestMs: number;
    };
    http: {
        bodyLimitBytes: number;
        requestTimeoutMs: number;
        keepAliveTimeoutMs: number;
        /** ms the kernel waits for in-flight requests on shutdown or plugin swap. */
        drainTimeoutMs: number;
        corsOrigins: string[];
        trustProxy: boolean;
    };
    auth: {
        provider: "local" | "oracle";
        jwtSecret: string;
        /** Whether jwtSecret was given (production requires it). */
        jwtSecretProvided: boolean;
        issuer: string;
        audience: string;
        accessTokenTtlSeconds: number;
        /** Absolute lifetime of a refresh-token family (rotation never extends it). */
        refreshTokenTtlSeconds: number;
        loginRateLimit: {
            max: number;
            windowMs: number;
        };
        /** Create demo/demo with every permission when the user table is empty (never in production). */
        createDemoUser: boolean;
        /** Permissions given to users who sign in through the ERP and have no local grants yet. */
        oracleDefaultPermissions: string[];
    };
    erp: {
        kind: "demo" | "oracle";
        /** SQLite file of the demo ERP. */
        demoFile: string;
        demoScale: number;
        demoSeed: number;
        oracle: OracleSettings | undefined;
        /** ms /health waits for the ERP before calling it down. */
        healthTimeoutMs: number;
    };
    cache: {
        url: string;
        l1MaxEntries: number;
        defaultTtlMs: number;
        sweepIntervalMs: number;
    };
    plugins: {
        /** Folders scanned for plugin packages (the workspace's plugins/ and PLUGINS_DIR). */
        directories: string[];
        /** MODULE_<NAME>_ENABLED values, keyed by the upper-case namespace. */
        switches: Record<string, boolean>;
    };
    /** Folder of the built web shell, served at `/`. */
    uiShellDir: string | undefined;
    /** Every variable of the environment, for plugin namespaces. */
    env: Readonly<Record<string, string>>;
}

/**
 * One pino stream for the whole process. The root logger carries no module: the
 * kernel logs through a `{module: "kernel"}` child, each plugin through its own
 * `{module: <name>}` child, requests add `reqId`. JSON in production, pretty on a terminal.
 */

type KernelLogger = Logger$2;

/**
 * Short-lived access tokens (HS256 JWT). Verification is the hot path of every
 * authenticated request, so verified claims are cached until the token expires.
 *
 * A cached entry answers only the *whole* token it was made from (never a token that
 * merely shares a hash or prefix with it: GHSA-rp9m-7r4c-75qg). It is looked up by the
 * token's signature segment and then compared whole: the map hashes 43 characters
 * instead of ~300 on every request (hashing the whole token was ~0.5 µs, measured).
 *
 * Signing out revokes the access token presented with it: it leaves the cache and its
 * signature is remembered until the token would have expired anyway. Only a token
 * verified afresh (a cache miss) is checked against that list, so the hot path pays
 * nothing for it.
 */

interface AccessTokenSettings {
    secret: string;
    issuer: string;
    audience: string;
    ttlSeconds: number;
    /** How many verified tokens to remember. */
    cacheSize?: number;
}
declare class AccessTokens {
    private readonly settings;
    private readonly sign;
    private readonly verify;
    private readonly verified;
    /** Signature → when the revoked token expires (ms); pruned as entries lapse. */
    private readonly revoked;
    constructor(settings: AccessTokenSettings);
    get ttlSeconds(): number;
    issue(user: AuthUser): string;
    /** The user a valid access token stands for; UnauthorizedError otherwise. */
    authenticate(token: string): AuthUser;
    /**
     * Makes a valid access token stop working before it expires (sign-out). A token that
     * is not valid anyway is ignored: it could not be used.
     */
    revoke(token: string): void;
    /** Forgets cached verifications (after a user's grants change). */
    clearCache(): void;
}

interface IssuedRefreshToken {
    token: string;
    familyId: string;
    expiresAt: Date;
}
declare class RefreshTokens {
    private readonly dataSource;
    private readonly ttlSeconds;
    private readonly onReuse;
    private readonly repository;
    constructor(dataSource: DataSource, ttlSeconds: number, onReuse?: (familyId: string, userId: number) => void);
    issue(userId: number, family?: {
        id: string;
        expiresAt: Date;
    }): Promise<IssuedRefreshToken>;
    /** Spends a refresh token and returns its successor, or throws 401. */
    rotate(token: string): Promise<{
        userId: number;
        next: IssuedRefreshToken;
    }>;
    /** Revokes the family of a token (logout); unknown tokens are ignored. */
    revokeByToken(token: string): Promise<boolean>;
    revokeFamily(familyId: string): Promise<void>;
    revokeAllForUser(userId: number): Promise<void>;
    /** Deletes rows past their absolute expiry. */
    deleteExpired(): Promise<number>;
}

/** The kernel's own tables: local users and refresh tokens. */

interface UserRecord {
    id: number;
    username: string;
    displayName: string;
    passwordHash: string | null;
    /** JSON array of permission strings. */
    permissions: string[];
    /** JSON: array of company ids, or "*". */
    companies: number[] | "*";
    source: "local" | "oracle";
    disabled: boolean;
    createdAt: Date;
    updatedAt: Date;
}

/** Local users in the kernel's database. User names are compared case-insensitively. */

interface NewUser {
    username: string;
    displayName?: string;
    password?: string;
    permissions: string[];
    companies: number[] | "*";
    source?: "local" | "oracle";
}
declare class Users {
    private readonly repository;
    constructor(dataSource: DataSource);
    findByUsername(username: string): Promise<UserRecord | null>;
    findById(id: number): Promise<UserRecord | null>;
    count(): Promise<number>;
    create(user: NewUser): Promise<UserRecord>;
    setPassword(id: number, password: string): Promise<void>;
}

/**
 * Login, token refresh, logout and the current user. Credentials are checked by the
 * configured provider: local argon2 hashes, or the ERP's Oracle procedure.
 */

interface TokenPair {
    access_token: string;
    refresh_token: string;
    token_type: "Bearer";
    /** Seconds until the access token expires. */
    expires_in: number;
    /** ISO time after which the refresh token family is no longer accepted. */
    refresh_expires_at: string;
}
type CredentialCheck = (username: string, password: string) => Promise<boolean>;
declare class AuthService {
    private readonly settings;
    private readonly users;
    readonly accessTokens: AccessTokens;
    private readonly refreshTokens;
    private readonly logger;
    /** The ERP's credential check, when AUTH_PROVIDER=oracle. */
    private readonly erpCredentialCheck?;
    constructor(settings: KernelSettings["auth"], users: Users, accessTokens: AccessTokens, refreshTokens: RefreshTokens, logger: KernelLogger, 
    /** The ERP's credential check, when AUTH_PROVIDER=oracle. */
    erpCredentialCheck?: CredentialCheck | undefined);
    login(username: string, password: string): Promise<TokenPair>;
    refresh(refreshToken: string): Promise<TokenPair>;
    logout(refreshToken: string): Promise<void>;
    /** The stored user behind a token (fresh grants, not the token's copy). */
    currentUser(user: AuthUser): Promise<AuthUser>;
    /** Creates demo/demo with every permission when allowed and no user exists yet. */
    ensureDemoUser(): Promise<boolean>;
    private checkCredentials;
    private pair;
}

/**
 * Security headers (helmet), built once for the process and applied by the
 * switchboard before routing, for every generation alike.
 *
 * - JSON API responses (`/api/…` except the OpenAPI UI) get the set OWASP's REST
 *   Security Cheat Sheet lists for APIs: a CSP that forbids everything
 *   (`default-src 'none'; frame-ancestors 'none'`), nosniff, DENY framing.
 *   A browser never renders them, so helmet's document headers would only add ~900
 *   bytes and ~7 µs to every answer (each header costs Node a validation pass).
 * - Everything else (the shell, plugin UIs, the OpenAPI UI) gets helmet's full set
 *   with a CSP for a same-origin app.
 * - HSTS only on answers that travel over HTTPS (TLS here, or `X-Forwarded-Proto:
 *   https` from a trusted proxy): RFC 6797 §7.2 says a host must not send it over
 *   plain HTTP, and browsers ignore it there. The generation's hook adds it.
 *
 * @fastify/helmet is not used: it re-parses its configuration on every request
 * (about a fifth of a trivial route's CPU in our profile) and would be registered
 * again in every route generation.
 */

/** Sets headers on a response before it is routed; synchronous. */
type HeaderSetter = (request: IncomingMessage, response: ServerResponse) => void;

interface Logger$1 {
    info(object: object, message?: string): void;
    warn(object: object, message?: string): void;
    error(object: object, message?: string): void;
}
interface SwitchboardOptions {
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    drainTimeoutMs: number;
    logger: Logger$1;
    /** Sets headers on responses before routing (the documents' security headers). */
    headers?: HeaderSetter;
    /** One line per request, or only for errors and slow requests. */
    accessLog: {
        everyRequest: boolean;
        slowRequestMs: number;
        logger: Logger$1;
    };
}
declare class Switchboard {
    private readonly options;
    readonly server: http.Server;
    private current;
    private generationCount;
    constructor(options: SwitchboardOptions);
    /**
     * Every request passes here once, whatever generation serves it: the request id is
     * fixed (and echoed) here, the access log is written here when the response closes.
     */
    private readonly handle;
    /** Writes the access line for errors and slow requests (or every request, if asked). */
    logAccess(request: http.IncomingMessage, response: http.ServerResponse, id: string, ms: number): void;
    /**
     * Stops counting this request towards its generation's drain. For kernel requests
     * that themselves swap generations (plugin enable / disable / reload): the swap
     * waits for the old generation to drain, which would otherwise include the very
     * request waiting for it, until the drain timeout.
     */
    static excludeFromDrain(request: http.IncomingMessage): void;
    get generation(): number;
    get activeApp(): FastifyInstance | undefined;
    /** Puts a ready instance in front; drains and closes the previous one. */
    swap(app: FastifyInstance): Promise<void>;
    private closeGeneration;
    listen(port: number, host: string): Promise<AddressInfo>;
    /** Stops accepting connections and waits for in-flight requests (bounded). */
    close(): Promise<void>;
}

/**
 * Events between plugins. Delivery is asynchronous and isolated: a handler that
 * throws or rejects is logged with its plugin's name and never reaches the emitter.
 */

type Handler = (payload: unknown) => void | Promise<void>;
interface Logger {
    error(object: object, message?: string): void;
}
declare class EventHub {
    private readonly logger;
    private readonly subscriptions;
    constructor(logger: Logger);
    subscribe(subscriber: string, event: string, handler: Handler): () => void;
    emit(source: string, event: string, payload: unknown): void;
    /** The bus handed to one plugin instance; `dispose()` drops its subscriptions. */
    scoped(name: string): EventBus & {
        dispose(): void;
    };
}

/**
 * Named services that running plugins provide to each other. Looked up at call
 * time, so a consumer never holds a stale reference to a stopped provider.
 */

declare class ServiceDirectory {
    private readonly services;
    provide(provider: string, name: string, implementation: unknown): void;
    withdraw(provider: string, name: string, implementation: unknown): void;
    get(name: string): unknown;
    providerOf(name: string): string | undefined;
    list(): Array<{
        name: string;
        provider: string;
    }>;
    /** The registry handed to one plugin instance; `dispose()` withdraws what it provided. */
    scoped(provider: string): ServiceRegistry & {
        dispose(): void;
    };
}

/** The failing step, so `/health` can say "failed while migrating: …". */
type PluginStep = "manifest" | "load" | "migrate" | "start" | "routes" | "stop";
/** What the kernel's root container holds for plugins to share. */
interface KernelShared {
    container: AwilixContainer;
    settings: KernelSettings;
    kernelVersion: string;
    logger: KernelLogger;
    erp: ErpClient;
    cache: {
        namespaced(prefix: string): CacheService;
    };
    services: ServiceDirectory;
    events: EventHub;
}
declare class PluginInstance {
    readonly manifest: ResolvedPluginManifest;
    readonly definition: PluginDefinition;
    private dataSource;
    private readonly abort;
    private reported;
    private disposers;
    private readonly ownNames;
    readonly context: PluginContext;
    readonly scope: AwilixContainer;
    readonly startedAt: Date;
    private constructor();
    /** Migrates the plugin's database, then runs its start hook. Throws PluginStepError. */
    static start(manifest: ResolvedPluginManifest, definition: PluginDefinition, shared: KernelShared): Promise<PluginInstance>;
    private openDatabase;
    /** The folder autoload reads route modules from, if the plugin has routes. */
    get routesDir(): string | undefined;
    health(): Promise<HealthStatus>;
    /** Runs the stop hook, then releases everything; never throws (failures are logged). */
    stop(timeoutMs?: number): Promise<void>;
    private release;
}

type PluginState = "disabled" | "starting" | "enabled" | "stopping" | "failed";
interface PluginFailure {
    step: PluginStep;
    message: string;
    at: string;
}
interface PluginRecord {
    /** Plugin name, or the folder when the manifest could not be read. */
    name: string;
    root: string;
    manifest: ResolvedPluginManifest | undefined;
    state: PluginState;
    failure: PluginFailure | undefined;
    definition: PluginDefinition | undefined;
    instance: PluginInstance | undefined;
    /** What MODULE_<NAME>_ENABLED (or the manifest default) asked for at start. */
    enabledAtStart: boolean;
    stateSince: Date;
}
/** Called with the instances that should serve requests now; resolves once they do and the old ones drained. */
type RouteSetPublisher = (running: PluginInstance[]) => Promise<void>;
/** Checks that a new instance's routes load (declare access, register cleanly) before it goes live. */
type RouteCheck = (instance: PluginInstance) => Promise<void>;
declare class PluginManager {
    private readonly shared;
    private readonly records;
    private queue;
    private publish;
    private checkRoutes;
    /** The manager's own lines are the kernel's; plugins get children of the root logger. */
    private readonly log;
    constructor(shared: KernelShared);
    /** Wires the HTTP layer in (the manager does not know about Fastify). */
    attachHttp(publish: RouteSetPublisher, checkRoutes: RouteCheck): void;
    /** Reads every manifest and imports the code of plugins that are switched on. */
    discover(): Promise<void>;
    /** Starts every plugin switched on at start, in parallel; failures are recorded, not thrown. */
    startEnabled(): Promise<void>;
    list(): PluginRecord[];
    get(name: string): PluginRecord | undefined;
    running(): PluginInstance[];
    enable(name: string): Promise<PluginRecord>;
    disable(name: string): Promise<PluginRecord>;
    /**
     * A new instance from the code already loaded (no new import). Normally the new
     * instance starts first and is swapped in without dropping requests; an `exclusive`
     * plugin is stopped first instead (never two instances at once).
     */
    reload(name: string): Promise<PluginRecord>;
    /** Reload of an exclusive plugin: routes off, old instance stopped, then a fresh start. */
    private restartExclusive;
    /** Stops every running plugin (shutdown); the HTTP layer must already have stopped routing to them. */
    stopAll(): Promise<void>;
    private startRecord;
    private verifyRoutes;
    /** Imports the plugin's entry once; later reloads reuse the definition (ES modules cannot be unloaded). */
    private load;
    private publishRunning;
    private announce;
    private require;
    private addFailed;
    private fail;
    private setState;
    /** Runs plugin changes one at a time, in the order asked. */
    private exclusive;
}

interface KernelOptions {
    /** A logger to use instead of one built from settings (tests). */
    logger?: KernelLogger;
}
interface Kernel {
    readonly settings: KernelSettings;
    readonly logger: KernelLogger;
    readonly container: AwilixContainer;
    readonly plugins: PluginManager;
    readonly switchboard: Switchboard;
    readonly auth: AuthService;
    readonly users: Users;
    /** Starts listening on settings.port/host; returns the bound address. */
    listen(): Promise<{
        port: number;
        host: string;
        url: string;
    }>;
    /** Graceful stop: stop accepting, drain, stop plugins, close resources. Idempotent. */
    stop(): Promise<void>;
}
/** Opens resources, starts plugins and builds the first generation (does not listen yet). */
declare function createKernel(settings: KernelSettings, options?: KernelOptions): Promise<Kernel>;

export { type Environment as E, type KernelSettings as K, type PluginRecord as P, type KernelLogger as a, type Kernel as b, type KernelOptions as c, type PluginState as d, createKernel as e };
