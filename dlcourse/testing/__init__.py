"""Tools that prove the package right: gradient checks and exact enumeration."""

from .gradcheck import GradcheckResult, gradcheck, numerical_gradient, relative_error

__all__ = ["GradcheckResult", "gradcheck", "numerical_gradient", "relative_error"]
