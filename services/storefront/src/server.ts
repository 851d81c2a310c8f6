import { main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { StorefrontEnv } from './config.js'

main(() => startRegionalService(StorefrontEnv, buildApp))
