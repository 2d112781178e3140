"""Urgent exchange: messages, delivery, acknowledgement and escalation."""
