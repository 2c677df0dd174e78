# node x peer checks: parametrization and pair selection (bringup/checks/peers.py)
from bringup.checks.peers import pytest_collection_modifyitems, pytest_generate_tests  # noqa: F401
