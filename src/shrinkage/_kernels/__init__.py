"""Compiled inner loops (numba). Arrays and scalars in, nothing of shrinkage.

Every function is ``@njit(cache=True)`` so a new process loads machine code
from the cache instead of compiling again.
"""
