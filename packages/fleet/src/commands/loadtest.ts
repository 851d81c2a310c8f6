import { Command, Option } from 'commander'
import { DEFAULT_MIX, parseMix, parseRates } from '../loadtest/options.js'
import { renderProgress, renderSustained, renderSweepStep } from '../render.js'
import { type CliContext, runningFleet } from './context.js'
import { durationOption, numberOption, parsedOption } from './options.js'

interface LoadtestFlags {
  readonly duration: number
  readonly rate: number
  readonly mix: typeof DEFAULT_MIX
  readonly warmup: number
  readonly baseline: number
  readonly out?: string
  readonly sweepCheckout: boolean
  readonly rates: number[]
  readonly step: number
}

const mixText = Object.entries(DEFAULT_MIX)
  .map(([op, weight]) => `${op}=${weight}`)
  .join(',')

/** A sweep step is sustained while checkout p99 stays within this above the RTT floor, without errors. */
const SWEEP_BUDGET_MS = 100

export function loadtestCommand(ctx: CliContext): Command {
  return new Command('loadtest')
    .description(
      'POS terminals in every region, open loop; writes reports/<time>/report.json and report.html; exits 1 on problems.\n' +
        `With --sweep-checkout: the highest checkout rate per region with p99 within ${SWEEP_BUDGET_MS} ms above the RTT floor.`,
    )
    .addOption(durationOption('--duration <duration>', 'measured time', '60s'))
    .addOption(numberOption('--rate <n>', 'operations per second per region', '50'))
    .addOption(parsedOption('--mix <weights>', 'operation weights; omitted operations get 0', parseMix, mixText))
    .addOption(durationOption('--warmup <duration>', 'load before measuring, discarded (0: none)', '10s', { allowZero: true }))
    .addOption(durationOption('--baseline <duration>', 'side-by-side bare-handler baseline after the run (0: skip)', '10s', { allowZero: true }))
    .addOption(new Option('--out <dir>', 'where the run folder goes (default: reports/)'))
    .addOption(new Option('--sweep-checkout', 'sweep checkout-only load over --rates instead').default(false))
    .addOption(parsedOption('--rates <list>', 'sweep: checkout rates per region, comma-separated', parseRates, '10,20,30,40,60,80'))
    .addOption(durationOption('--step <duration>', 'sweep: measured time per rate', '20s'))
    .addHelpText('after', '\nExamples:\n  fleet loadtest --duration 60s --rate 50\n  fleet loadtest --sweep-checkout --rates 10,20,40 --step 20s')
    .action(async (flags: LoadtestFlags) => {
      const endpoints = await runningFleet()
      const { loadtestToReport, sweepToFile } = await import('../loadtest/command.js')
      if (flags.sweepCheckout) {
        const stepS = flags.step / 1000
        ctx.log(
          `checkout sweep: checkout-only load in every region at ${flags.rates.join(', ')} /s, ${stepS} s each; sustained = p99 within ${SWEEP_BUDGET_MS} ms above the RTT floor, no errors`,
        )
        const { sweep, file } = await sweepToFile(
          endpoints,
          { rates: flags.rates, stepS, budgetMs: SWEEP_BUDGET_MS, onStep: (step) => ctx.log(renderSweepStep(step)) },
          flags.out,
        )
        ctx.log(renderSustained(sweep.sustained))
        ctx.log(`steps: ${file}`)
        return
      }
      const tty = process.stderr.isTTY
      const { summarizeReport } = await import('../loadtest/summary.js')
      const { report, dir } = await loadtestToReport(
        endpoints,
        {
          durationS: flags.duration / 1000,
          ratePerRegion: flags.rate,
          mix: flags.mix,
          warmupS: flags.warmup / 1000,
          baselineS: flags.baseline / 1000,
          onProgress: (elapsed, total, done, errors) => {
            const line = renderProgress(elapsed, total, done, errors)
            if (tty) ctx.stderr(`\r${line}`)
            else if (Math.round(elapsed) % 10 === 0) ctx.stderr(`${line}\n`)
          },
        },
        flags.out,
      )
      if (tty) ctx.stderr('\n')
      ctx.log(`\n${summarizeReport(report)}\n\nreport: ${dir}/report.html`)
      if (report.problems.length > 0) ctx.exitCode = 1
    })
}
