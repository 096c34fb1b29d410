"""Clinicians' qualifications: licences, their verification, specialised-training areas."""
