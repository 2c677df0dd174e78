# node x peer checks: parametrization and pair selection (bringup/peers.py)
from bringup.peers import pytest_collection_modifyitems, pytest_generate_tests  # noqa: F401
