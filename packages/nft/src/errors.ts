import { type Origin, describeOrigin } from './model.js';

/** The policy itself is wrong (caught before nft sees it): fix the named rule or list. */
export class NftPolicyError extends Error {
  override readonly name = 'NftPolicyError';
  constructor(
    readonly origin: Origin,
    readonly reason: string,
  ) {
    super(`${describeOrigin(origin)}: ${reason}`);
  }
}

/**
 * nft refused the transaction. Nothing was changed: the previous ruleset stays in force.
 * `origin` names the first rule, chain or list nft rejected (found by checking growing prefixes of the batch).
 */
export class NftApplyError extends Error {
  override readonly name = 'NftApplyError';
  constructor(
    readonly origin: Origin | undefined,
    readonly nftMessage: string,
  ) {
    super(
      `nft rejected ${origin ? describeOrigin(origin) : 'the transaction'}: ${nftMessage.trim()}; ` +
        'nothing was applied, the previous ruleset is still in force — fix that item and apply again',
    );
  }
}

/** After applying, the ruleset read back with `nft -j list table` differs from what was compiled. */
export class NftVerifyError extends Error {
  override readonly name = 'NftVerifyError';
  constructor(
    readonly table: string,
    readonly differences: readonly string[],
  ) {
    super(
      `table ${table} read back from the kernel differs from the policy (${differences.join('; ')}); ` +
        'someone else may be changing it concurrently — apply again',
    );
  }
}

/** The nft binary could not be run or failed outside of a transaction. */
export class NftCommandError extends Error {
  override readonly name = 'NftCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(
      `nft ${args.join(' ')} failed (exit ${exitCode ?? 'none'}): ${stderr.trim() || 'no output'}; is nftables installed and are we root?`,
    );
  }
}

/** An incremental update named something the applied policy does not hold. */
export class NftUnknownTargetError extends Error {
  override readonly name = 'NftUnknownTargetError';
  constructor(what: string) {
    super(`${what} is not part of the applied policy: apply a policy that contains it first`);
  }
}

/**
 * The namespace's lock could not be taken: another applier held it for longer than the configured
 * wait, or the lock file or the namespace cannot be opened. Nothing was applied.
 */
export class NftLockError extends Error {
  override readonly name = 'NftLockError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }

  static timedOut(path: string, timeoutMs: number, holder: number | undefined): NftLockError {
    const who = `another process${holder ? ` (pid ${holder})` : ''}`;
    return new NftLockError(
      path,
      `${who} has held the nft lock ${path} for over ${timeoutMs} ms; ` +
        'nothing was applied — wait for it, or stop it if it hangs, and apply again',
    );
  }
}
