import { randomInt } from 'node:crypto';

// MLflow names unnamed runs "<adjective>-<noun>-<number>" (mlflow/utils/name_utils.py).
const ADJECTIVES = ['able', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fair', 'gentle', 'glad', 'grand', 'keen', 'kind', 'lucky', 'merry', 'nimble', 'quick', 'quiet', 'sharp', 'sleek', 'smart', 'swift', 'tidy', 'vast', 'warm', 'wise', 'zesty'];
const NOUNS = ['ant', 'bat', 'bear', 'cod', 'colt', 'crane', 'deer', 'doe', 'eel', 'finch', 'foal', 'fox', 'gull', 'hare', 'hawk', 'horse', 'lark', 'lynx', 'mare', 'mole', 'moth', 'owl', 'pony', 'ram', 'seal', 'stag', 'swan', 'toad', 'wren'];

/** A random, readable run name such as `swift-foal-42`. */
export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
