import { Command, Option } from 'commander'
import { REGION_IDS, type RegionId } from '@pos-fleet/topology'
import type { CliContext } from './context.js'
import { durationOption } from './options.js'

/** Imported on use: `--help` and a bad flag need neither yaml nor the process tooling. */
const gitops = {
  lifecycle: () => import('../gitops/lifecycle.js'),
  applications: () => import('../gitops/applications.js'),
  flip: () => import('../gitops/flip.js'),
  paths: () => import('../gitops/paths.js'),
}

function upCommand(ctx: CliContext): Command {
  return new Command('up')
    .description(
      'start a management apiserver with Argo CD (repo-server, application-controller, applicationset-controller) and one kube-apiserver 1.28 per region with controller-manager, scheduler and a kwok node; serve HEAD from a local git repository; register one cluster Secret per region (native fleet endpoints when it runs, placeholders otherwise); apply argocd/; wait until every generated Application is Synced and Healthy',
    )
    .addOption(durationOption('--timeout <duration>', 'how long the Applications may take to become Synced and Healthy', '5m'))
    .addHelpText('after', '\nExample:\n  fleet gitops up\n  kubectl --kubeconfig .pos-fleet/gitops/kubeconfig --context pos-ap-southeast-1 -n pos-fleet get deploy')
    .action(async (flags: { readonly timeout: number }) => {
      const [{ gitopsUp }, { describeStates }, { kubeconfigFile }] = await Promise.all([gitops.lifecycle(), gitops.applications(), gitops.paths()])
      const report = await gitopsUp({ log: ctx.log, timeoutMs: flags.timeout })
      for (const line of describeStates(report.states)) ctx.log(line)
      ctx.log(`every Application Synced and Healthy ${report.syncMs} ms after the ApplicationSets were applied (${report.startupMs} ms from the first process)`)
      ctx.log(`kubeconfig: ${kubeconfigFile} (contexts management, ${REGION_IDS.map((r) => `pos-${r}`).join(', ')}); stop with \`pnpm fleet gitops down\``)
    })
}

function flipWriterCommand(ctx: CliContext): Command {
  return new Command('flip-writer')
    .description('move the pos-fleet.io/role=writer label to REGION\'s cluster Secret and wait until payments-worker and the migration Job run there and nowhere else; prints how long that took (promote the database first: `fleet failover`)')
    .addOption(new Option('--to <region>', 'the region whose cluster becomes the writer').choices(REGION_IDS).makeOptionMandatory())
    .addOption(durationOption('--timeout <duration>', 'how long Argo CD may take to move the workloads', '5m'))
    .addHelpText('after', '\nExample:\n  fleet gitops flip-writer --to eu-central-1')
    .action(async (flags: { readonly to: RegionId; readonly timeout: number }) => {
      const [{ flipWriter }, { describeStates }] = await Promise.all([gitops.flip(), gitops.applications()])
      const report = await flipWriter({ to: flags.to, timeoutMs: flags.timeout, log: ctx.log })
      for (const line of describeStates(report.states)) ctx.log(line)
      ctx.log(`writer ${report.from.join(', ') || '(none)'} → ${report.to}: payments-worker and the migration Job in ${report.to} only, ${report.elapsedMs} ms after the label moved`)
    })
}

function downCommand(ctx: CliContext): Command {
  return new Command('down').description('stop every process `gitops up` started (by recorded PID) and remove its state').action(async () => {
    const { gitopsDown } = await gitops.lifecycle()
    const { stopped } = await gitopsDown()
    ctx.log(stopped > 0 ? `stopped ${stopped} GitOps processes; state removed` : 'no GitOps control plane was running; state removed')
  })
}

export function gitopsCommand(ctx: CliContext): Command {
  return new Command('gitops')
    .description('real Argo CD syncing argocd/ into three local Kubernetes 1.28 clusters (no container runtime)')
    .addCommand(upCommand(ctx))
    .addCommand(flipWriterCommand(ctx))
    .addCommand(downCommand(ctx))
}
