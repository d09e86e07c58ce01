/** What the kernel itself provides to plugins as `coreServices.users`. */
export interface KernelUsersService {
  /**
   * A user's current grants, read from the kernel's store at call time: use it where
   * a copy taken earlier could be stale (a chat bot acting for a linked user).
   * Undefined for an unknown or disabled user.
   */
  grantsOf(
    userId: number,
  ): Promise<
    | { username: string; permissions: readonly string[]; companies: readonly number[] | "*" }
    | undefined
  >;
}
