/** The compose project docker-compose.yml names (`name:`); a manifests test keeps the two equal. */
export const COMPOSE_PROJECT = 'pos-fleet'
