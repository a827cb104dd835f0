"""Returned files before they are read: discovery, receiving, container kinds, isolated workers, job count."""
