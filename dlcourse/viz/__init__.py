"""Plots, animations, interactive figures and progress lines for the book.

Interactive figures work in a live kernel and still respond in the static published page:
:func:`frame_player` switches pre-rendered frames with a front-end link, and
:func:`decision_boundary_explorer` is self-contained JavaScript.
"""

from .._progress import progress
from .interactive import (animation_html, decision_boundary_explorer, frame_player,
                          html_explorer)
from .landscapes import (descent_path, log_levels, mse_surface, optimizer_path,
                         plot_loss_contours,
                         plot_loss_surface, plot_trajectory, trajectory_animation)
from .plots import (CLASS_COLOURS, plot_activations, plot_decision_boundary,
                    plot_training_curve, plot_weight_image)
from .source import SourceCode, show_side_by_side, show_source

__all__ = [
    "CLASS_COLOURS", "SourceCode", "animation_html", "decision_boundary_explorer",
    "descent_path", "frame_player", "html_explorer", "log_levels", "mse_surface",
    "optimizer_path",
    "plot_activations", "plot_decision_boundary", "plot_loss_contours", "plot_loss_surface",
    "plot_training_curve", "plot_trajectory", "plot_weight_image", "progress",
    "show_side_by_side", "show_source", "trajectory_animation",
]
