import { ServiceRegistry, EventBus } from '@roa2web/plugin-sdk';
import { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { b as Kernel, P as PluginRecord } from './kernel-B_SkDOQl.js';
import 'awilix';
import 'pino';
import 'node:http';
import 'node:net';

interface StartTestKernelOptions {
    /**
     * Folders of plugin packages to load (each holds a `package.json` with a `roa2web`
     * manifest and its built `dist/`). Only these are discovered, each is switched on
     * (`MODULE_<NAME>_ENABLED=true` unless `env` says otherwise), and by default each
     * must reach `enabled` or `startTestKernel` throws with the step and the reason.
     */
    plugins?: readonly string[];
    /** Settings, as environment variables (the process environment is not read). */
    env?: Readonly<Record<string, string>>;
    /** Listen on a free loopback port (`url`), for tests that need real HTTP (fetch, streams). */
    listen?: boolean;
    /** Whether every folder in `plugins` must start (default true). */
    requireStarted?: boolean;
    /** Receives every log line as an object (level debug); silent otherwise. */
    logLines?: object[];
    /** A roa2web checkout whose `config/test.env` is read (the kernel's own tests). */
    root?: string;
}
/** An `InjectOptions` whose `token` becomes `authorization: Bearer <token>`. */
type TestInjectOptions = InjectOptions & {
    token?: string;
};
interface TestUser {
    /** The user's permissions, e.g. `["notes:read"]`; `*` may stand for either part. */
    permissions: string[];
    /** Company ids the user may see, or `"*"` for all (default `"*"`). */
    companies?: number[] | "*";
    /** Default: `test-user-<n>`, unique within this kernel. */
    username?: string;
    /** Default: `<username>-password`. */
    password?: string;
}
interface CreatedTestUser {
    id: number;
    username: string;
    password: string;
    /** An access token of this user, signed in through `POST /api/auth/login`. */
    token: string;
}
/** A plugin's entry in `GET /health`. */
interface PluginHealthEntry {
    name: string;
    version: string | null;
    state: string;
    /** `up`, `degraded`, `down`, `not-configured`, or the state when not running. */
    status: string;
    detail?: string;
    data?: Record<string, unknown>;
}
interface TestKernel {
    /** The kernel itself (its plugins, container, users), for what the helpers do not cover. */
    kernel: Kernel;
    /** `DATA_DIR`: plugin databases are at `<dataDir>/plugins/<name>/<name>.db`. */
    dataDir: string;
    /** Base URL when started with `listen: true`, otherwise `""`. */
    url: string;
    /** Signs in (default `demo`/`demo`, every permission, every company); the access token. */
    login(username?: string, password?: string): Promise<string>;
    /** Fastify `inject()` against the routes serving now; `token` is sent as a bearer token. */
    inject(options: TestInjectOptions): Promise<LightMyRequestResponse>;
    /** Creates a local user with exactly these grants and signs them in. */
    createUser(user: TestUser): Promise<CreatedTestUser>;
    /** The plugin's entry in `GET /health` (state, status, your `health()` data). */
    health(pluginName: string): Promise<PluginHealthEntry>;
    /** The plugin's record: state, failure (step and message), manifest. */
    plugin(pluginName: string): PluginRecord;
    /** The running plugin's own database (migrated), as its `ctx.database()` returns it. */
    database(pluginName: string): DataSource;
    /** Look up (or provide stand-ins for) services, as a plugin named "test" would. */
    services: ServiceRegistry;
    /** Subscribe to (or emit) events, as a plugin named "test" would. */
    events: EventBus;
    /** Stops the kernel and deletes the temporary folder. */
    close(): Promise<void>;
}
declare function startTestKernel(options?: StartTestKernelOptions): Promise<TestKernel>;

export { type CreatedTestUser, type PluginHealthEntry, type StartTestKernelOptions, type TestInjectOptions, type TestKernel, type TestUser, startTestKernel };
