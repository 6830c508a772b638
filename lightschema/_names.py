"""Random two-word run names (``brave-otter``), made locally with no extra dependency."""

from __future__ import annotations

import random

__all__ = ["generate_slug"]

_ADJECTIVES = (
    "agile amber ancient arctic azure bold brave bright brisk calm clever cobalt "
    "cosmic crimson curious daring dapper eager electric emerald fancy fearless "
    "fierce flying gentle gifted golden graceful grand happy hidden honest humble "
    "icy jolly keen kind lively lucky magic mellow merry mighty modest nimble "
    "noble olive patient placid polite proud quick quiet rapid rare regal robust "
    "rustic scarlet serene sharp shiny silent silver smart snowy solid speedy "
    "spry steady stellar sturdy sunny swift tidy tranquil upbeat vivid warm wise witty zesty"
).split()

_NOUNS = (
    "albatross alpaca antelope badger beaver bison bobcat buffalo camel caracal "
    "cheetah condor coyote crane dingo dolphin eagle falcon ferret finch fox gazelle "
    "gecko gibbon heron hedgehog ibex jackal jaguar kestrel koala lemur leopard lion "
    "llama lynx macaw marmot marten meerkat mink moose narwhal ocelot okapi orca "
    "osprey otter owl panda panther pelican penguin puffin python quail rabbit "
    "raccoon raven salamander seal sparrow squid stork swan tapir tiger toucan "
    "turtle viper walrus weasel whale wolf wombat yak zebra"
).split()

_random = random.SystemRandom()


def generate_slug(n_words: int = 2) -> str:
    """A random lowercase slug of ``n_words`` words joined by hyphens (adjectives, then a noun)."""
    if n_words < 1:
        raise ValueError("n_words must be at least 1")
    words = [_random.choice(_ADJECTIVES) for _ in range(n_words - 1)]
    words.append(_random.choice(_NOUNS))
    return "-".join(words)
