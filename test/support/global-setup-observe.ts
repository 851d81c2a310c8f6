import { fleetForSuite } from './global-setup.js'

/** The `observe` project's fleet: `fleet up --observe`, with Jaeger and Prometheus. */
export default fleetForSuite({ observe: true })
