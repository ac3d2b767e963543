"""Phase 6 of an engagement: plan progress from the LMS and capability growth after the plans.

Modules::

    step      ProgressParams, progress_step: the work of the 6-progress notebook
    report    progress_findings, progress_sections, monthly_progress_section
    plots     plot_progress_status, plot_capability_change
    demo      write_demo_followup: Demo Bio's follow-up wave and LMS completions

The analysis functions live with their data: :func:`ldkit.plans.plan_progress`
and :func:`ldkit.needs.compare_waves`; the evidence for the ROI case in
:mod:`ldkit.roi.evidence`.
"""

__all__: list[str] = []
